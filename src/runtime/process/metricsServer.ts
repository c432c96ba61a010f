import { createServer, type Server } from 'node:http'
import { Data } from 'effect'

export class MetricsServerError extends Data.TaggedError('MetricsServerError')<{ readonly port: number; readonly detail: string }> {
  override get message(): string {
    return `cannot serve metrics on 127.0.0.1:${this.port}: ${this.detail}`
  }
}

/**
 * Serves `GET /metrics` (Prometheus text) on 127.0.0.1 only: metrics name the network's
 * nodes and are nobody else's business, and scraping from elsewhere is what a reverse
 * proxy is for. Resolves once listening.
 */
export const serveMetrics = (port: number, render: () => string): Promise<Server> =>
  new Promise((resolve, reject) => {
    const server = createServer((request, response) => {
      if (request.method !== 'GET' || (request.url ?? '').split('?')[0] !== '/metrics') {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try GET /metrics\n')
        return
      }
      response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(render())
    })
    server.once('error', (error) => reject(new MetricsServerError({ port, detail: error.message })))
    server.listen(port, '127.0.0.1', () => resolve(server))
  })
