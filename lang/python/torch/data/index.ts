/** `torch.utils` and `torch.utils.data` for one run. */
export { DATA_NAMES, dataAttrs } from './loader';
