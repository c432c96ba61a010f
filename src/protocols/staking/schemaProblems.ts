import { ParseResult } from 'effect'

/** A schema failure on one line, one "field: problem" per fault: `amount: expected an amount > 0; delegator: is missing`. */
export const schemaProblems = (error: ParseResult.ParseError): string =>
  ParseResult.ArrayFormatter.formatErrorSync(error)
    .map(({ path, message }) => (path.length === 0 ? message : `${path.map(String).join('.')}: ${message}`))
    .join('; ')
