// Prints the line each CI leg reports what it ran on, e.g. `platform: node v24.21.0 linux-x64 glibc 2.41, hub engine
// @btc-vision/uwebsockets.js@20.57.0 (native uws_linux_x64_137.node)`.
import { runtimeLabel } from '../../src/observability/runtime-info.ts';
import { benchPlatform } from '../bench/platform.ts';

const platform = benchPlatform();
console.log(`platform: ${runtimeLabel(platform)}, hub engine ${platform.hubEngine}`);
