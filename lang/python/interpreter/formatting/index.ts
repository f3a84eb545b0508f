/** Python's number printing (numbers) and its string-formatting mini-languages (format). */
export { type BytesPercent, formatFloat, type FormatHost, formatInt, formatString, percentFormat, strFormat } from './format';
export { floatDivmod, floatRepr, intFloorDiv, intMod, roundHalfEven } from './numbers';
