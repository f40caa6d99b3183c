/**
 * Module resolution hooks (node:module `register`): every import of `fast-check`
 * resolves to fast-check-soak.js, except the one in fast-check-soak.js itself,
 * which needs the real package. Runs on the loader thread; keeps no state.
 */

const SOAK = new URL('./fast-check-soak.js', import.meta.url).href;

interface ResolveContext {
  readonly parentURL?: string;
}
interface ResolveResult {
  readonly url: string;
  readonly shortCircuit?: boolean;
}

export async function resolve(specifier: string, context: ResolveContext, next: (specifier: string, context: ResolveContext) => Promise<ResolveResult>): Promise<ResolveResult> {
  if (specifier === 'fast-check' && context.parentURL !== SOAK) return { url: SOAK, shortCircuit: true };
  return next(specifier, context);
}
