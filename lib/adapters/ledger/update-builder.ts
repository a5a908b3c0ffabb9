import type { NativeAttributeValue } from '@aws-sdk/lib-dynamodb';
import type { RolloutStatus } from './records';
import { PARTITION_KEY } from './table-schema';

/**
 * Accumulates an UpdateExpression on a rollout record. Every name goes through a placeholder,
 * so reserved words (`status`, `data`) are safe; every update requires the record to exist,
 * so an update never creates a half-made rollout.
 */
export class UpdateBuilder {
  private readonly sets: string[] = [];
  private readonly removes: string[] = [];
  private readonly conditions: string[] = ['attribute_exists(#pk)'];
  private readonly names: Record<string, string> = { '#pk': PARTITION_KEY.name };
  private readonly values: Record<string, NativeAttributeValue> = {};

  set(field: string, value: unknown): this {
    this.names[`#${field}`] = field;
    this.values[`:${field}`] = value;
    this.sets.push(`#${field} = :${field}`);
    return this;
  }

  remove(field: string): this {
    this.names[`#${field}`] = field;
    this.removes.push(`#${field}`);
    return this;
  }

  requireStatusIn(statuses: readonly RolloutStatus[]): this {
    const placeholders = statuses.map((s, i) => {
      this.values[`:status${i}`] = s;
      return `:status${i}`;
    });
    this.names['#status'] = 'status';
    this.conditions.push(`#status IN (${placeholders.join(', ')})`);
    return this;
  }

  condition(expression: string, names: Record<string, string>, values: Record<string, NativeAttributeValue>): this {
    Object.assign(this.names, names);
    Object.assign(this.values, values);
    this.conditions.push(expression);
    return this;
  }

  build(): {
    UpdateExpression: string;
    ConditionExpression: string;
    ExpressionAttributeNames: Record<string, string>;
    ExpressionAttributeValues?: Record<string, NativeAttributeValue>;
  } {
    const clauses = [this.sets.length ? `SET ${this.sets.join(', ')}` : '', this.removes.length ? `REMOVE ${this.removes.join(', ')}` : ''];
    return {
      UpdateExpression: clauses.filter(Boolean).join(' '),
      ConditionExpression: this.conditions.join(' AND '),
      ExpressionAttributeNames: this.names,
      // DynamoDB rejects an empty ExpressionAttributeValues map.
      ExpressionAttributeValues: Object.keys(this.values).length ? this.values : undefined,
    };
  }
}
