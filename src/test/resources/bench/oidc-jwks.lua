-- JWKS: GET /oauth2/jwks, the same request each time; the answer must hold keys.
wrk.method = "GET"
wrk.path = "/oauth2/jwks"

function response(status, headers, body)
  if status ~= 200 or not string.find(body, '"keys"', 1, true) then
    fail(status, body)
  end
end
