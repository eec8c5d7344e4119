import type { WidgetSettings } from './schema.js';

/**
 * Settings a widget gets for every field not given: at creation, and when reading a row
 * stored before a setting existed. Bootstrap stores these for the first grid widget.
 */
export const DEFAULT_WIDGET_SETTINGS: Readonly<WidgetSettings> = Object.freeze({
  min_rating: null,
  tags: [],
  form_ids: [],
  featured_only: false,
  limit: 20,
});
