/**
 * Requests Node's HTTP parser rejects before the app sees them (an oversized request line or
 * header block, malformed HTTP) still get a SCIM error body (RFC 7644 §3.12) instead of Node's bare
 * status line, so a client logs a reason. The header limit is raised above Node's 16 KiB default so
 * long filters in a GET URL fit (the filter-length limit still applies inside the app).
 */
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';

/** Largest request line plus headers accepted (Node's `maxHeaderSize`), in bytes. */
export const MAX_HEADER_BYTES = 64 * 1024;

const SCIM_ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** The raw HTTP/1.1 response for a request the parser refused, closing the connection. */
export function clientErrorResponse(code: string | undefined): string {
  const tooLarge = code === 'HPE_HEADER_OVERFLOW';
  const status = tooLarge ? 431 : 400;
  const detail = tooLarge
    ? `The request line and headers exceed ${MAX_HEADER_BYTES} bytes; send long filters in a POST .search body instead`
    : 'The request is not valid HTTP/1.1';
  const body = JSON.stringify({ schemas: [SCIM_ERROR], status: String(status), detail });
  const reason = tooLarge ? 'Request Header Fields Too Large' : 'Bad Request';
  return [
    `HTTP/1.1 ${status} ${reason}`,
    'Content-Type: application/scim+json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'X-Content-Type-Options: nosniff',
    'Cache-Control: no-store',
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

/** Answers parser errors on `server` with a SCIM error body (or just closes a dead socket). */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // A reset or closed socket cannot be written to.
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    socket.end(clientErrorResponse(error.code));
  });
}
