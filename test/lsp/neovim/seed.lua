-- The seed snippet in headless Neovim, through its built-in LSP client (0.7 and later):
-- codeLens, gradlens.computeGradient, codeLens again, inlayHint and hover, written as JSON to
-- $GRADLENS_OUT for test/lsp/neovim.test.ts.
local file = vim.env.GRADLENS_FILE
local out = {}

local function finish(err)
  if err then out.error = err end
  local f = assert(io.open(vim.env.GRADLENS_OUT, 'w'))
  f:write(vim.fn.json_encode(out))
  f:close()
  vim.cmd('qall!')
end

local ok, err = pcall(function()
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local bufnr = vim.api.nvim_get_current_buf()
  vim.bo[bufnr].filetype = 'python'
  local client_id = vim.lsp.start_client({
    name = 'gradlens',
    cmd = { 'node', vim.env.GRADLENS_SERVER or 'dist/server.js', '--stdio' },
    root_dir = vim.fn.getcwd(),
  })
  assert(client_id, 'the server did not start')
  vim.lsp.buf_attach_client(bufnr, client_id)
  local client
  assert(vim.wait(20000, function()
    client = vim.lsp.get_client_by_id(client_id)
    return client ~= nil and client.initialized
  end, 50), 'the server did not initialize')

  local uri = vim.uri_from_bufnr(bufnr)
  local doc = { textDocument = { uri = uri } }
  local function request(method, params)
    local response, request_err = client.request_sync(method, params, 60000, bufnr)
    assert(response and not response.err, method .. ': ' .. vim.inspect(response and response.err or request_err))
    return response.result
  end

  local function titles()
    local t = {}
    for _, lens in ipairs(request('textDocument/codeLens', doc)) do table.insert(t, lens.command.title) end
    return t
  end

  out.lenses_before = titles()
  local lens = request('textDocument/codeLens', doc)[1]
  out.outcome = request('workspace/executeCommand', { command = lens.command.command, arguments = lens.command.arguments })
  out.lenses_after = titles()
  local line = lens.range.start.line
  local hints = request('textDocument/inlayHint', {
    textDocument = { uri = uri },
    range = { start = { line = 0, character = 0 }, ['end'] = { line = vim.api.nvim_buf_line_count(bufnr), character = 0 } },
  })
  out.hints = {}
  for _, hint in ipairs(hints) do table.insert(out.hints, hint.label) end
  local hover = request('textDocument/hover', { textDocument = { uri = uri }, position = lens.range.start })
  out.hover = hover and hover.contents.value or vim.NIL
  out.def_line = line
  client.stop()
end)
finish(not ok and tostring(err) or nil)
