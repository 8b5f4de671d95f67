-- refresh_token grants: each wrk thread (one connection each: -t2 -c2) carries its own chain of refresh tokens,
-- the first from the file BENCH_REFRESH_TOKENS (one line per thread), then the one each response hands back.
-- A non-200 breaks the chain (the old token presented again revokes the grant): it is counted in errors and printed.
-- With BENCH_CAPTURE set, each thread also writes the access tokens it receives to BENCH_CAPTURE.<thread> (the
-- introspection runs use them), and "extra" counts them.
wrk.method = "POST"
wrk.path = "/oauth2/token"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Basic " .. os.getenv("BENCH_BASIC")

local first_tokens = lines(os.getenv("BENCH_REFRESH_TOKENS"))
token = nil
extra = 0
local capture = nil

function per_thread_setup(thread, n)
  thread:set("token", first_tokens[n])
end

function init(args)
  local prefix = os.getenv("BENCH_CAPTURE")
  if prefix and prefix ~= "" then
    capture = io.open(prefix .. "." .. thread_id, "w")
  end
end

function request()
  return wrk.format(nil, nil, nil, "grant_type=refresh_token&refresh_token=" .. token)
end

function response(status, headers, body)
  local next_token = string.match(body, '"refresh_token"%s*:%s*"([^"]+)"')
  if status == 200 and next_token then
    token = next_token
    if capture then
      local access = string.match(body, '"access_token"%s*:%s*"([^"]+)"')
      if access then
        capture:write(access, "\n")
        extra = extra + 1
      end
    end
  else
    fail(status, body)
  end
end
