// The API client: every request is relative and same-origin, so the admin cookie set by /api/login rides
// along. A 401 tells the listeners (the app shows the login form).
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

type Listener = () => void;
const unauthorizedListeners = new Set<Listener>();

/** Subscribes to "the API answered 401"; returns the unsubscribe function. */
export function onUnauthorized(listener: Listener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

async function toError(res: Response): Promise<ApiError> {
  let type = "http_error";
  let message = `${res.status} ${res.statusText}`.trim();
  try {
    const body = (await res.json()) as { error?: { type?: string; message?: string } };
    if (body.error?.type) type = body.error.type;
    if (body.error?.message) message = body.error.message;
  } catch {
    // not JSON: keep the status line
  }
  return new ApiError(res.status, type, message);
}

export async function request<T>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(path, {
    ...init,
    credentials: "same-origin",
    headers: { accept: "application/json", ...(init.body ? { "content-type": "application/json" } : {}), ...init.headers },
  });
  if (res.status === 401 && path !== "/api/login") {
    for (const l of [...unauthorizedListeners]) l();
  }
  if (!res.ok) throw await toError(res);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

export function apiGet<T>(path: string, signal?: AbortSignal): Promise<T> {
  return request<T>(path, { signal });
}

/** Signs in with the admin token; the server sets an HttpOnly cookie. Throws ApiError (401) on a wrong token. */
export async function login(token: string): Promise<void> {
  await request<void>("/api/login", { method: "POST", body: JSON.stringify({ token }) });
}
