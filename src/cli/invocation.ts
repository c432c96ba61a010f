import { basename, relative } from 'node:path'

/** How the user called us, so that a printed command can be pasted back as is. */
export const invocation = (): string => {
  const script = process.argv[1] ?? 'strata'
  if (basename(script) === 'strata') return 'strata'
  const rel = relative(process.cwd(), script)
  return `node ${rel.startsWith('.') ? rel : `./${rel}`}`
}

/** Quotes an argument for a POSIX shell only when it needs it. */
export const shellQuote = (arg: string): string => (/^[A-Za-z0-9_./:=@+-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`)
