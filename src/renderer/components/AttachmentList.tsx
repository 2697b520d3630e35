import { Badge, CloseButton, Group, Image, Loader, Text, UnstyledButton } from '@mantine/core';
import { lazy, Suspense, useEffect, useState } from 'react';
import type { AttachedFile } from '../state/conversation';
import { attachmentUrl } from '../transport/attachments';

// The full-size dialog (Mantine's Modal: a focus trap, a portal, scroll locking) loads when first opened.
const ImagePreview = lazy(() => import('./ImagePreview'));

/** A file shown in the composer (before it is sent) or in a sent message. */
export interface ShownFile {
  /** Stable within the list. */
  key: string;
  name: string;
  kind: AttachedFile['kind'] | 'unknown';
  /** Where the image can be read from now (the composer has the file itself). */
  localUrl?: string;
  /** A sent file: read from the server when shown. */
  stored?: AttachedFile;
  uploading?: boolean;
  error?: string;
}

/** The image's URL: the local one, else read from the server once (and let go when unmounted). */
function useImageUrl(file: ShownFile): string | null {
  const [url, setUrl] = useState<string | null>(file.localUrl ?? null);
  useEffect(() => {
    if (file.localUrl || !file.stored || file.kind !== 'image') return;
    let made: string | null = null;
    let live = true;
    attachmentUrl(file.stored).then(
      (objectUrl) => {
        made = objectUrl;
        if (live) setUrl(objectUrl);
        else URL.revokeObjectURL(objectUrl);
      },
      () => {},
    );
    return () => {
      live = false;
      if (made) URL.revokeObjectURL(made);
    };
  }, [file.localUrl, file.stored, file.kind]);
  return file.localUrl ?? url;
}

function ImageThumb({ file, onRemove }: { file: ShownFile; onRemove?: (() => void) | undefined }) {
  const url = useImageUrl(file);
  const [open, setOpen] = useState(false);
  return (
    <div style={{ position: 'relative' }}>
      <UnstyledButton aria-label={`Open ${file.name}`} onClick={() => setOpen(true)} disabled={url === null}>
        {url ? (
          <Image src={url} alt={file.name} w={64} h={64} fit="cover" radius="sm" />
        ) : (
          <Loader size="sm" />
        )}
      </UnstyledButton>
      {onRemove && (
        <CloseButton
          size="xs"
          aria-label={`Remove ${file.name}`}
          onClick={onRemove}
          style={{ position: 'absolute', top: -6, right: -6 }}
        />
      )}
      {file.uploading && <Loader size="xs" style={{ position: 'absolute', bottom: 2, left: 2 }} />}
      {open && url && (
        <Suspense fallback={null}>
          <ImagePreview name={file.name} url={url} onClose={() => setOpen(false)} />
        </Suspense>
      )}
    </div>
  );
}

function FileChip({ file, onRemove }: { file: ShownFile; onRemove?: (() => void) | undefined }) {
  return (
    <Badge
      variant="light"
      color={file.error ? 'red' : 'gray'}
      size="lg"
      radius="sm"
      tt="none"
      leftSection={file.uploading ? <Loader size={10} /> : null}
      rightSection={
        onRemove ? <CloseButton size="xs" aria-label={`Remove ${file.name}`} onClick={onRemove} /> : null
      }
    >
      {file.kind === 'pdf' ? 'PDF · ' : ''}
      {file.name}
    </Badge>
  );
}

/** Thumbnails for images, chips for other files; removable where `onRemove` is given. */
export function AttachmentList({
  files,
  onRemove,
  label,
}: {
  files: ShownFile[];
  onRemove?: (key: string) => void;
  label: string;
}) {
  if (files.length === 0) return null;
  return (
    <div>
      <Group
        component="ul"
        gap="xs"
        aria-label={label}
        wrap="wrap"
        style={{ listStyle: 'none', padding: 0, margin: 0 }}
      >
        {files.map((file) => (
          <li key={file.key}>
            {file.kind === 'image' ? (
              <ImageThumb file={file} onRemove={onRemove && (() => onRemove(file.key))} />
            ) : (
              <FileChip file={file} onRemove={onRemove && (() => onRemove(file.key))} />
            )}
          </li>
        ))}
      </Group>
      {files
        .filter((file) => file.error)
        .map((file) => (
          <Text key={file.key} size="xs" c="red" mt={4} role="alert">
            {file.error}
          </Text>
        ))}
    </div>
  );
}
