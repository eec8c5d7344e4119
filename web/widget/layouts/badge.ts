import { BADGE_CSS, renderBadge } from '../../../src/widgets/view/layout-badge.js';
import type { MountContext } from '../contract.js';
import { mountLayout } from '../runtime/widget.js';

export const mount = (context: MountContext) =>
  mountLayout(context, { css: [BADGE_CSS], render: renderBadge, showsEmpty: true });
