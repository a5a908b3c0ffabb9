/**
 * Ledger items and state payloads hold plain JSON. A round trip drops `undefined` fields (which
 * DynamoDB refuses) and turns Dates into ISO strings, so what is stored is what is read back.
 */
export function plainJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
