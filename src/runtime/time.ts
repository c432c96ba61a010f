/** Time for the runtime: the shared definition (protocols use it too). */
export * from '../shared/time.ts'
