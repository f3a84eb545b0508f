import torch

# A data-dependent `if`: eager execution takes the branch the value selects.
def huber(r, delta=1.0):
    if r.abs() <= delta:
        return 0.5 * r ** 2
    return delta * (r.abs() - 0.5 * delta)

for value in (0.5, 3.0):
    r = torch.tensor(value, requires_grad=True)
    loss = huber(r)
    loss.backward()
    print(f"huber({value}) = {loss.item()}, grad = {r.grad.item()}")
