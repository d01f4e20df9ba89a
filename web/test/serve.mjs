/**
 * A static file server for the built pages (Node http, no dependencies), with the COOP/COEP headers that make
 * the page cross-origin isolated, so SharedArrayBuffer and therefore kernel threads are available.
 * Files are sent as they are: the gzip'd MNIST files get no Content-Encoding, the page inflates them itself.
 */
import * as http from 'node:http';
import * as fs from 'node:fs';
import * as path from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.wasm': 'application/wasm', '.gz': 'application/gzip', '.gzip': 'application/gzip',
  '.png': 'image/png', '.svg': 'image/svg+xml', '.bin': 'application/octet-stream',
};

/** Serves `root` on 127.0.0.1 (port 0: any free port). Resolves to { url, close }. */
export function serve(root, port = 0) {
  const base = path.resolve(root);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    let file = path.normalize(path.join(base, decodeURIComponent(url.pathname)));
    if (!file.startsWith(base)) { res.writeHead(403).end(); return; }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!fs.existsSync(file)) { res.writeHead(404, { 'Content-Type': 'text/plain' }).end(`not found: ${url.pathname}`); return; }
    res.writeHead(200, {
      'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      'Content-Length': fs.statSync(file).size,
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cache-Control': 'no-store',
    });
    if (req.method === 'HEAD') { res.end(); return; }
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const { port: p } = server.address();
      resolve({ url: `http://127.0.0.1:${p}`, close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); }) });
    });
  });
}

// `node web/test/serve.mjs [dir] [port]`: serve a build by hand (default web/dist on 4173).
if (import.meta.url === `file://${process.argv[1]}`) {
  const root = process.argv[2] ?? path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'dist');
  serve(root, Number(process.argv[3] ?? 4173)).then(({ url }) => console.log(`serving ${root} at ${url}/ (cross-origin isolated)`));
}
