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
  ids: [],
  order: 'newest',
  limit: 20,
  load_more: true,
  show_photo: true,
  show_rating: true,
  show_date: true,
  show_company: true,
  theme: 'light',
  accent_color: null,
  background_color: null,
  text_color: null,
  font: 'inherit',
  corner_radius: 8,
  language: 'auto',
  class_name: null,
  excerpt_length: 240,
  autoplay: true,
  autoplay_interval_ms: 7000,
  popup_position: 'bottom-end',
  live: true,
  json_ld: false,
  json_ld_type: 'Product',
  json_ld_name: null,
});
