import '../mantine-later.css';
import { Image, Modal } from '@mantine/core';

/** A sent or attached image at full size, in a dialog named after the file. */
export default function ImagePreview({
  name,
  url,
  onClose,
}: {
  name: string;
  url: string;
  onClose: () => void;
}) {
  return (
    <Modal opened onClose={onClose} title={name} size="auto" centered>
      <Image src={url} alt={name} mah="80vh" maw="90vw" fit="contain" />
    </Modal>
  );
}
