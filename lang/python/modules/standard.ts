/**
 * The standard modules every run may import, by name. A new module is a ModuleShim in a file of
 * its own here, and one entry below.
 */
import type { ModuleRegistry } from '../interpreter';
import { abcModule } from './abc';
import { argparseModule } from './argparse';
import { bisectModule } from './bisect';
import { cmathModule } from './cmath';
import { collectionsModule } from './collections';
import { contextlibModule } from './contextlib';
import { copyModule } from './copy';
import { csvModule } from './csv';
import { dataclassesModule } from './dataclasses';
import { datetimeModule } from './datetime';
import { enumModule } from './enum';
import { fractionsModule } from './fractions';
import { functoolsModule } from './functools';
import { heapqModule } from './heapq';
import { ioModule } from './io';
import { itertoolsModule } from './itertools';
import { jsonModule } from './json';
import { loggingModule } from './logging';
import { mathModule } from './math';
import { numbersModule } from './numbers';
import { operatorModule } from './operator';
import { osModule, osPathModule } from './os';
import { pathlibModule } from './pathlib';
import { pprintModule } from './pprint';
import { randomModule } from './random';
import { reModule } from './re';
import { statisticsModule } from './statistics';
import { stringModule } from './string';
import { sysModule } from './sys';
import { textwrapModule } from './textwrap';
import { timeModule } from './time';
import { tqdmAutoModule, tqdmModule } from './tqdm';
import { typesModule } from './types';
import { typingModule } from './typing';
import { unicodedataModule } from './unicodedata';
import { warningsModule } from './warnings';

export const STANDARD_MODULES: ModuleRegistry = {
  abc: abcModule,
  argparse: argparseModule,
  bisect: bisectModule,
  cmath: cmathModule,
  collections: collectionsModule,
  contextlib: contextlibModule,
  copy: copyModule,
  csv: csvModule,
  dataclasses: dataclassesModule,
  datetime: datetimeModule,
  enum: enumModule,
  fractions: fractionsModule,
  functools: functoolsModule,
  heapq: heapqModule,
  io: ioModule,
  itertools: itertoolsModule,
  json: jsonModule,
  logging: loggingModule,
  math: mathModule,
  numbers: numbersModule,
  operator: operatorModule,
  os: osModule,
  'os.path': osPathModule,
  pathlib: pathlibModule,
  pprint: pprintModule,
  random: randomModule,
  re: reModule,
  statistics: statisticsModule,
  string: stringModule,
  sys: sysModule,
  textwrap: textwrapModule,
  time: timeModule,
  tqdm: tqdmModule,
  'tqdm.auto': tqdmAutoModule,
  types: typesModule,
  typing: typingModule,
  unicodedata: unicodedataModule,
  warnings: warningsModule,
};
