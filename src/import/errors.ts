/**
 * An import that stops before it writes anything (a header without the required columns, a
 * profile that cannot be used, a file GDAL cannot read, an empty file) or that ends with nothing
 * to store (every record rejected). The CLI prints the message alone, no stack trace, and exits
 * with `exitStatus`.
 */
export class ImportRefusedError extends Error {
  constructor(
    message: string,
    readonly exitStatus: 1 | 2 = 1,
  ) {
    super(message);
  }
}
