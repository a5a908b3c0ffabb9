const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML and SVG, in element content and in quoted attribute values alike. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** Markup that is already safe: produced by `html` or `raw`, never by hand from data. */
export class SafeHtml {
  constructor(readonly markup: string) {}

  toString(): string {
    return this.markup;
  }
}

export type Interpolation = SafeHtml | string | number | boolean | null | undefined | readonly Interpolation[];

/**
 * Template tag that escapes every interpolated value unless it is already `SafeHtml`.
 * Escaping by default means a forgotten call cannot let a reason like `<script>` through.
 */
export function html(strings: TemplateStringsArray, ...values: readonly Interpolation[]): SafeHtml {
  let out = strings[0];
  values.forEach((value, i) => {
    out += fragment(value) + strings[i + 1];
  });
  return new SafeHtml(out);
}

/** Trusted markup from this module's own constants (the stylesheet), never from report data. */
export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

function fragment(value: Interpolation): string {
  if (value instanceof SafeHtml) return value.markup;
  if (isList(value)) return value.map(fragment).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

function isList(value: Interpolation): value is readonly Interpolation[] {
  return Array.isArray(value);
}
