import { Alert, Button, Code, Group, List, Modal, Stack, Text, Textarea } from '@mantine/core';
import { useEffect, useState } from 'react';
import { parsePastedServers } from './mcp-paste';
import { issueText, type McpServerFormValues, type ServerIssue } from './mcp-server-form';

/**
 * `Paste JSON`: Claude Desktop's `{"mcpServers": {…}}` (or a bare `{name: {…}}`), checked whole; the
 * servers join the form only when every one of them is right.
 */
export function PasteServersDialog({
  opened,
  existingNames,
  onCancel,
  onAdd,
}: {
  opened: boolean;
  existingNames: readonly string[];
  onCancel: () => void;
  onAdd: (servers: McpServerFormValues[], notes: string[]) => void;
}) {
  const [text, setText] = useState('');
  const [issues, setIssues] = useState<ServerIssue[]>([]);
  useEffect(() => {
    if (opened) {
      setText('');
      setIssues([]);
    }
  }, [opened]);

  const submit = () => {
    const pasted = parsePastedServers(text, existingNames);
    setIssues(pasted.issues);
    if (pasted.issues.length === 0) onAdd(pasted.servers, pasted.notes);
  };

  return (
    <Modal opened={opened} onClose={onCancel} title="Paste JSON" size="lg">
      <Stack gap="xs">
        <Text size="sm">
          Paste the <Code>mcpServers</Code> of Claude Desktop’s <Code>claude_desktop_config.json</Code> (or of
          another app). Names become lowercase (“GitHub” → “github”); environment variable names stay as they
          are.
        </Text>
        <Textarea
          label="MCP servers JSON"
          placeholder={
            '{\n  "mcpServers": {\n    "files": {\n      "command": "npx",\n      "args": ["-y", "@modelcontextprotocol/server-filesystem", "/tmp"]\n    }\n  }\n}'
          }
          autosize
          minRows={8}
          maxRows={18}
          value={text}
          data-autofocus
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
          onChange={(event) => setText(event.currentTarget.value)}
        />
        {issues.length > 0 && (
          <Alert color="red" variant="light" role="alert" title="Nothing was added" p="xs">
            <List size="sm">
              {issues.map((issue) => (
                <List.Item key={issueText(issue)}>{issueText(issue)}</List.Item>
              ))}
            </List>
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button onClick={submit} disabled={text.trim() === ''}>
            Add servers
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
