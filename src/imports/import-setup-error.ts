/**
 * A problem with the file or the options as a whole (unknown columns, a bad map, a file
 * that is not CSV at all). It stops the import before any row is written.
 */
export class ImportSetupError extends Error {
  override readonly name = 'ImportSetupError';
}
