/**
 * The standard modules every run may import, by name. A new module is a ModuleShim in a file of
 * its own here, and one entry below.
 */
import type { ModuleRegistry } from '../interpreter';
import { mathModule } from './math';
import { randomModule } from './random';
import { typingModule } from './typing';

export const STANDARD_MODULES: ModuleRegistry = {
  math: mathModule,
  random: randomModule,
  typing: typingModule,
};
