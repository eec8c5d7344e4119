import { MASONRY_CSS } from '../../../src/widgets/view/layout-masonry.js';
import { renderWall, WALL_CSS } from '../../../src/widgets/view/layout-wall.js';
import type { MountContext } from '../contract.js';
import { wall } from '../runtime/wall.js';
import { mountLayout } from '../runtime/widget.js';

export const mount = (context: MountContext) =>
  mountLayout(context, { css: [WALL_CSS, MASONRY_CSS], render: renderWall, behave: wall });
