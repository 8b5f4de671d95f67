-- Introspection: POST /oauth2/introspect with HTTP Basic, cycling through the access tokens of the file
-- BENCH_ACCESS_TOKENS (each thread from its own offset); every answer must say "active": true.
wrk.method = "POST"
wrk.path = "/oauth2/introspect"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Basic " .. os.getenv("BENCH_BASIC")

local tokens = lines(os.getenv("BENCH_ACCESS_TOKENS"))
local next_index = 1

function init(args)
  -- thread_id is set by setup() before init runs: thread 1 starts at the first token, thread 2 halfway.
  next_index = math.floor((thread_id - 1) * #tokens / 2) % #tokens + 1
end

function request()
  local t = tokens[next_index]
  next_index = next_index % #tokens + 1
  return wrk.format(nil, nil, nil, "token=" .. t .. "&token_type_hint=access_token")
end

function response(status, headers, body)
  if status ~= 200 or not string.find(body, '"active":true', 1, true) then
    fail(status, body)
  end
end
