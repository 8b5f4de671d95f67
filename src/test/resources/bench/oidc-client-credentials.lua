-- client_credentials grants: POST /oauth2/token with HTTP Basic (client_secret_basic), the same request each time.
wrk.method = "POST"
wrk.path = "/oauth2/token"
wrk.body = "grant_type=client_credentials"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Basic " .. os.getenv("BENCH_BASIC")

function response(status, headers, body)
  if status ~= 200 or not string.find(body, '"access_token"', 1, true) then
    fail(status, body)
  end
end
