/**
 * The standard modules every run may import, by name. A new module is a ModuleShim in a file of
 * its own here, and one entry below.
 */
import type { ModuleRegistry } from '../interpreter';
import { cmathModule } from './cmath';
import { collectionsModule } from './collections';
import { contextlibModule } from './contextlib';
import { copyModule } from './copy';
import { dataclassesModule } from './dataclasses';
import { functoolsModule } from './functools';
import { itertoolsModule } from './itertools';
import { mathModule } from './math';
import { operatorModule } from './operator';
import { randomModule } from './random';
import { statisticsModule } from './statistics';
import { stringModule } from './string';
import { timeModule } from './time';
import { typingModule } from './typing';
import { warningsModule } from './warnings';

export const STANDARD_MODULES: ModuleRegistry = {
  cmath: cmathModule,
  collections: collectionsModule,
  contextlib: contextlibModule,
  copy: copyModule,
  dataclasses: dataclassesModule,
  functools: functoolsModule,
  itertools: itertoolsModule,
  math: mathModule,
  operator: operatorModule,
  random: randomModule,
  statistics: statisticsModule,
  string: stringModule,
  time: timeModule,
  typing: typingModule,
  warnings: warningsModule,
};
