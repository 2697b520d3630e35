import { desktopApi } from '../transport/desktop-api';
import { DesktopFeatures, type DesktopFeaturesProps } from './DesktopFeatures';

/** The desktop-only part of the window, loaded (with `React.lazy`) only when the transport is IPC. */
export default function DesktopOnly(props: Omit<DesktopFeaturesProps, 'api'>) {
  return <DesktopFeatures api={desktopApi} {...props} />;
}
