// A tiny hash router: the route is parsed from location.hash and follows hashchange events.
import { useCallback, useEffect, useState } from "react";
import { parseHash, routeHash, type Route, type RouteName, type ViewState } from "../lib/url-state.ts";

export interface Router {
  route: Route;
  /** when the route last changed (ms): a newly opened view measures "last 24 hours" from then */
  changedAt: number;
  /** Goes to a route (a new history entry, so Back works). */
  navigate: (name: RouteName, view: ViewState, id?: string | null) => void;
}

export function useRoute(): Router {
  const [state, setState] = useState(() => ({ route: parseHash(window.location.hash), changedAt: Date.now() }));
  useEffect(() => {
    const update = () => setState({ route: parseHash(window.location.hash), changedAt: Date.now() });
    window.addEventListener("hashchange", update);
    return () => window.removeEventListener("hashchange", update);
  }, []);
  const navigate = useCallback((name: RouteName, view: ViewState, id: string | null = null) => {
    const hash = routeHash(name, view, id);
    if (hash !== window.location.hash) window.location.hash = hash;
    setState({ route: parseHash(hash), changedAt: Date.now() });
  }, []);
  return { route: state.route, changedAt: state.changedAt, navigate };
}
