// The stand-in has no routes.
export function routes(): void {}
