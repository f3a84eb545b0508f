export { isLinalg, LINALG, linalgRules, type LinalgPrimitive } from './family';
export { LINALG_SHAPE_RULES } from './shapes';
export { runLinalg, type LinalgHost } from './host';
export { linalgBatch, linalgJvp, linalgVjp, UnimplementedDerivative } from './derivatives';
