// A tiny hash router: the route is parsed from location.hash and follows hashchange events.
import { useCallback, useEffect, useState } from "react";
import { parseHash, routeHash, type Route, type RouteName, type ViewState } from "../lib/url-state.ts";

export interface Router {
  route: Route;
  /** Goes to a route (a new history entry, so Back works). */
  navigate: (name: RouteName, view: ViewState, id?: string | null) => void;
}

export function useRoute(): Router {
  const [route, setRoute] = useState<Route>(() => parseHash(window.location.hash));
  useEffect(() => {
    const update = () => setRoute(parseHash(window.location.hash));
    window.addEventListener("hashchange", update);
    return () => window.removeEventListener("hashchange", update);
  }, []);
  const navigate = useCallback((name: RouteName, view: ViewState, id: string | null = null) => {
    const hash = routeHash(name, view, id);
    if (hash !== window.location.hash) window.location.hash = hash;
    setRoute(parseHash(hash));
  }, []);
  return { route, navigate };
}
