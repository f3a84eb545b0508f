/**
 * The module mechanism: `import x`, `import x.y as z`, `from x import a` resolve
 * through a registry of module shims. A shim builds its module once per run;
 * anything not in the registry is refused with an error at the import.
 *
 *   const registry: ModuleRegistry = { ...STANDARD_MODULES, torch: torchShim, 'torch.nn.functional': functionalShim };
 *   run(source, { modules: registry });
 */
import { type HostContext, PyModule, type PyValue } from './values';

export interface ModuleShim {
  /**
   * Builds the module's namespace for one run. Runs at the script's first
   * import of the module; `ctx` is the running script (its budgets, per-run state).
   */
  create(ctx: HostContext): PyModule;
  /**
   * The names the module defines, for the analyzer: an attribute not listed
   * (`torch.fft`) is reported as unsupported before the script runs. Leave out
   * to skip that check.
   */
  readonly exports?: readonly string[];
}

/** Dotted module name -> shim. Submodules are entries of their own (`'torch.nn.functional'`) or attributes of their parent. */
export type ModuleRegistry = Readonly<Record<string, ModuleShim>>;

/** A shim module from a plain record of its attributes; a name it lacks is reported as unsupported by Gradlens. */
export function createModule(name: string, attrs: Record<string, PyValue>): PyModule {
  return new PyModule(name, new Map(Object.entries(attrs)), true);
}

export function unsupportedModuleMessage(name: string): string {
  return `module '${name}' is not supported by Gradlens`;
}
