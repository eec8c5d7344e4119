import { readPath, type RuleContext } from '../automations/conditions.js';

const WHOLE = /^\{\{\s*([a-z_][a-z0-9_.]*)\s*\}\}$/i;
const PLACEHOLDER = /\{\{\s*([a-z_][a-z0-9_.]*)\s*\}\}/gi;
const MAX_DEPTH = 20;

function asText(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/**
 * Fills a JSON template for the generic HTTP connection: a string that is exactly
 * `{{path}}` becomes the value there, typed (number, object…); `{{path}}` inside a longer
 * string is replaced by its text. Keys are copied as they are.
 */
export function renderJsonTemplate(template: unknown, context: RuleContext, depth = 0): unknown {
  if (depth > MAX_DEPTH) throw new Error('template nested too deeply');
  if (typeof template === 'string') {
    const whole = WHOLE.exec(template);
    if (whole) return readPath(context, whole[1]!) ?? null;
    return template.replace(PLACEHOLDER, (_, path: string) => asText(readPath(context, path)));
  }
  if (Array.isArray(template)) {
    return template.map((item) => renderJsonTemplate(item, context, depth + 1));
  }
  if (template !== null && typeof template === 'object') {
    return Object.fromEntries(
      Object.entries(template).map(([key, value]) => [
        key,
        renderJsonTemplate(value, context, depth + 1),
      ]),
    );
  }
  return template;
}
