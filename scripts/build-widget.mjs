// Bundles the embed widget (web/widget) with esbuild into dist/web; filled in with the widget.
