/** `POST /orders/{id}/items` -> `PostOrdersIdItems`: a readable construct id for a route's function. */
export function routeFunctionName(method: string, routePath: string): string {
  const words = [method, ...routePath.split(/[^A-Za-z0-9]+/)].filter(Boolean);
  return words.map((w) => w[0].toUpperCase() + w.slice(1).toLowerCase()).join('').slice(0, 64);
}

/** True when a handler given as a string is an entry path rather than a declared function's name. */
export function looksLikePath(value: string): boolean {
  return value.includes('/') || /\.([cm]?[jt]sx?|py)$/.test(value);
}
