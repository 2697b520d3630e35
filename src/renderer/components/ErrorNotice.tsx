import { Alert, Button, Group, Text } from '@mantine/core';
import { errorText, errorTitle, type UiError } from '../errors/error-message';

/** A failure in words a user can act on, with Retry when retrying makes sense. */
export function ErrorNotice({ error, onRetry }: { error: UiError; onRetry?: () => void }) {
  return (
    <Alert color="red" variant="light" title={errorTitle(error)} role="alert">
      <Group justify="space-between" align="flex-end" wrap="nowrap">
        <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', minWidth: 0 }}>
          {errorText(error)}
        </Text>
        {onRetry && (
          <Button size="xs" variant="light" color="red" onClick={onRetry}>
            Retry
          </Button>
        )}
      </Group>
    </Alert>
  );
}
