import { useCallback, useEffect, useRef, useState } from 'react';
import { errorText, toUiError } from '../errors/error-message';
import type { AttachedFile } from '../state/conversation';
import { uploadAttachment } from '../transport/attachments';
import type { ShownFile } from './AttachmentList';

interface PendingFile extends ShownFile {
  uploaded?: AttachedFile;
}

let counter = 0;

/** Lets go of a thumbnail's object URL. */
function revoke(file: PendingFile, urls: Set<string>): void {
  if (!file.localUrl) return;
  URL.revokeObjectURL(file.localUrl);
  urls.delete(file.localUrl);
}

/**
 * The files of the message being written: each is uploaded as soon as it is added (dropped, pasted
 * or chosen), so Send only names them. A refused file stays listed with the server's reason until
 * removed.
 */
export function usePendingFiles() {
  const [files, setFiles] = useState<PendingFile[]>([]);
  const urls = useRef(new Set<string>());

  useEffect(
    () => () => {
      for (const url of urls.current) URL.revokeObjectURL(url);
    },
    [],
  );

  const add = useCallback((list: Iterable<File>) => {
    for (const file of list) {
      counter += 1;
      const key = `file-${counter}`;
      const image = file.type.startsWith('image/');
      const localUrl = image ? URL.createObjectURL(file) : undefined;
      if (localUrl) urls.current.add(localUrl);
      const shown: PendingFile = {
        key,
        name: file.name || 'pasted image',
        kind: image ? 'image' : 'unknown',
        uploading: true,
        ...(localUrl ? { localUrl } : {}),
      };
      setFiles((current) => [...current, shown]);
      const update = (change: Partial<PendingFile>) =>
        setFiles((current) => current.map((item) => (item.key === key ? { ...item, ...change } : item)));
      uploadAttachment(file).then(
        (uploaded) => update({ uploading: false, uploaded, name: uploaded.name, kind: uploaded.kind }),
        (error: unknown) => update({ uploading: false, error: errorText(toUiError(error)) }),
      );
    }
  }, []);

  const remove = useCallback((key: string) => {
    setFiles((current) => {
      const gone = current.find((file) => file.key === key);
      if (gone) revoke(gone, urls.current);
      return current.filter((file) => file.key !== key);
    });
  }, []);

  /** The uploaded files, handed to the message; the list empties. */
  const take = useCallback((): AttachedFile[] => {
    const ready = files.flatMap((file) => (file.uploaded ? [file.uploaded] : []));
    for (const file of files) revoke(file, urls.current);
    setFiles([]);
    return ready;
  }, [files]);

  return {
    files: files as ShownFile[],
    /** The files uploaded so far (the context meter counts them). */
    attached: files.flatMap((file) => (file.uploaded ? [file.uploaded] : [])),
    add,
    remove,
    take,
    uploading: files.some((file) => file.uploading),
    failed: files.some((file) => file.error !== undefined),
    ready: files.some((file) => file.uploaded !== undefined),
  };
}
