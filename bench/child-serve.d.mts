export function serveChild(url: string, cleanup?: () => Promise<void>, extra?: () => Record<string, number>): void;
export function failChild(err: unknown): never;
