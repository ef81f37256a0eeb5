-- wrk script: POST /v1/transfers with a unique transfer id per request, between accounts 1 and 2.
-- The token comes from the environment (CORRIDOR_TOKEN); bench/wrk/transfers.sh sets everything up.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("CORRIDOR_TOKEN")

local n = 0
local base = 0

function init(args)
  -- Ids of different runs and threads must not meet: a random high part per thread.
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
  base = math.random(1, 1000000) * 100000000
end

function request()
  n = n + 1
  return wrk.format(nil, nil, nil,
    '{"id":"' .. (base + n) .. '","debit_account_id":"1","credit_account_id":"2","amount":1,"ledger":1,"code":1}')
end
