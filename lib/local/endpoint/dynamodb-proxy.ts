import { request } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Passes a DynamoDB request through to DynamoDB Local unchanged: the CLI's ledger calls reach the
 * very table the endpoint's executions write, through AWS's own implementation of the API.
 */
export function proxyToDynamoDb(dynamoEndpoint: string, req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<void> {
  const target = new URL(dynamoEndpoint);
  return new Promise((resolve, reject) => {
    const upstream = request(
      {
        hostname: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: target.host, 'content-length': body.length },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.on('end', resolve);
        answer.on('error', reject);
      },
    );
    upstream.on('error', reject);
    upstream.end(body);
  });
}
