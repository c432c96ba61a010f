import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // libp2p needs Promise.withResolvers, which Node 20 lacks.
    setupFiles: ['src/runtime/process/polyfill.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
})
