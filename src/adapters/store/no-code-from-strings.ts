/**
 * Once the library is loaded, `eval` and the `Function` constructors throw in this thread: nothing
 * a PDF holds can become code (CVE-2024-4367 was pdf.js compiling font data with `new Function`).
 */
export function forbidCodeFromStrings(): void {
  const refuse = () => {
    throw new EvalError('Code from strings is disabled while reading a PDF.');
  };
  const prototypes = [
    Function.prototype,
    Object.getPrototypeOf(async () => {}),
    Object.getPrototypeOf(function* () {}),
    Object.getPrototypeOf(async function* () {}),
  ];
  for (const proto of prototypes) Object.defineProperty(proto, 'constructor', { value: refuse });
  Object.defineProperty(globalThis, 'eval', { value: refuse });
  Object.defineProperty(globalThis, 'Function', { value: refuse });
}
