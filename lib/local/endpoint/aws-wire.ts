import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The three wire protocols the CLI's SDK clients speak, reduced to what the local endpoint needs:
 * AWS JSON 1.0 (Step Functions, DynamoDB, CloudWatch), the query protocol with XML answers
 * (CloudFormation, STS) and REST-JSON (Lambda, AppConfig). Errors take the shape each protocol's
 * SDK deserializer reads, so the CLI sees the same error names it would get from AWS.
 */

/** An error the local endpoint answers with: AWS's error code, HTTP status and message. */
export class AwsApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = code;
  }
}

/** A request's body, whole. Bodies here are small: requests of the CLI. */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * The service a request is for, from its SigV4 credential scope (`…/<region>/<service>/aws4_request`):
 * every SDK client signs, and the scope names the service whatever the protocol.
 */
export function signingService(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization ?? '';
  return /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(auth)?.[1];
}

/** The access key id the request was signed with: the local endpoint's idea of who is calling. */
export function signingAccessKey(req: IncomingMessage): string | undefined {
  return /Credential=([^/]+)\//.exec(req.headers.authorization ?? '')?.[1];
}

export function parseJsonBody(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  try {
    const parsed = JSON.parse(body.toString('utf8')) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new AwsApiError('SerializationException', 'the request body is not a JSON object');
}

/** AWS JSON 1.0: the answer of an `X-Amz-Target` operation. */
export function sendJson(res: ServerResponse, body: unknown, status = 200, contentType = 'application/x-amz-json-1.0'): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text), 'x-amzn-requestid': randomUUID() });
  res.end(text);
}

/** AWS JSON and REST-JSON errors: the SDK reads the code from `x-amzn-errortype`, else from `__type`. */
export function sendJsonError(res: ServerResponse, error: AwsApiError, contentType = 'application/x-amz-json-1.0'): void {
  const text = JSON.stringify({ __type: error.code, message: error.message });
  res.writeHead(error.status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(text),
    'x-amzn-errortype': error.code,
    'x-amzn-requestid': randomUUID(),
  });
  res.end(text);
}

/** The query protocol's form-encoded parameters: `StackName=x&Version=…`. */
export function parseForm(body: Buffer): URLSearchParams {
  return new URLSearchParams(body.toString('utf8'));
}

/** A query-protocol answer: `<{Action}Response><{Action}Result>…</…></{Action}Response>`. */
export function sendQueryResult(res: ServerResponse, action: string, namespace: string, resultXml: string): void {
  const text = `<${action}Response xmlns="${namespace}"><${action}Result>${resultXml}</${action}Result><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${action}Response>`;
  res.writeHead(200, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendQueryError(res: ServerResponse, error: AwsApiError): void {
  const text = `<ErrorResponse><Error><Type>Sender</Type><Code>${xml(error.code)}</Code><Message>${xml(error.message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`;
  res.writeHead(error.status, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Escapes text for an XML element. */
export function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** AWS JSON timestamps are epoch seconds. */
export function epochSeconds(date: Date): number {
  return date.getTime() / 1000;
}

/** A required string field of a JSON request, or the ValidationException AWS would answer. */
export function requiredString(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value === '') {
    throw new AwsApiError('ValidationException', `1 validation error detected: Value null at '${lowerFirst(field)}' failed to satisfy constraint: Member must not be null`);
  }
  return value;
}

export function optionalString(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new AwsApiError('ValidationException', `'${lowerFirst(field)}' must be a string`);
  return value;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
