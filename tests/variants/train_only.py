# guide-test: first_loss=microgpt lacks=sample
"""
Variant of py/microgpt.py: training only. The script ends after the training loop with a
summary line; there is no inference section and nothing is sampled.
"""

import os  # os.path.exists: download the data set only once
import math  # math.log, math.exp for the autograd operations
import random  # random.seed, random.gauss, random.shuffle, random.choices
random.seed(42)  # same seed, same run: the numbers below are reproducible

# Dataset: one document per line (here, one name per line).
if not os.path.exists('input.txt'):
    import urllib.request
    names_url = 'https://raw.githubusercontent.com/karpathy/makemore/master/names.txt'
    urllib.request.urlretrieve(names_url, 'input.txt')
docs = [line.strip() for line in open('input.txt').read().splitlines() if line.strip()]
random.shuffle(docs)  # so training does not see the names in file order
print(f"num docs: {len(docs)}")

# Tokenizer: every distinct character is a token; one extra token, BOS, marks
# both the beginning and the end of a document.
uchars = sorted(set(''.join(docs)))
BOS = len(uchars)
vocab_size = len(uchars) + 1
print(f"vocab size: {vocab_size}")

# Autograd: each Value remembers which Values it was computed from and the local
# derivative with respect to each, so backward() can apply the chain rule.
class Value:
    __slots__ = ('data', 'grad', '_children', '_local_grads')  # many millions get made: keep them small

    def __init__(self, data, children=(), local_grads=()):
        self.data = data  # the number computed in the forward pass
        self.grad = 0  # d(loss)/d(this), filled in by backward()
        self._children = children  # the inputs of the operation that made this Value
        self._local_grads = local_grads  # d(this)/d(each input), known at creation time

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data + other.data, (self, other), (1, 1))

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data * other.data, (self, other), (other.data, self.data))

    def __pow__(self, other):  # other is a plain number, not a Value
        return Value(self.data**other, (self,), (other * self.data**(other - 1),))

    def log(self): return Value(math.log(self.data), (self,), (1 / self.data,))
    def exp(self): return Value(math.exp(self.data), (self,), (math.exp(self.data),))
    def relu(self): return Value(max(0, self.data), (self,), (float(self.data > 0),))
    # The rest are built from the operations above, so they need no derivatives of their own.
    def __neg__(self): return self * -1
    def __radd__(self, other): return self + other
    def __sub__(self, other): return self + (-other)
    def __rsub__(self, other): return other + (-self)
    def __rmul__(self, other): return self * other
    def __truediv__(self, other): return self * other**-1
    def __rtruediv__(self, other): return other * self**-1

    def backward(self):
        # Order the graph so that each Value comes after everything it was made from;
        # walking that order backwards, a Value's grad is complete before it is passed on.
        topo = []
        visited = set()
        def build_topo(v):
            if v not in visited:
                visited.add(v)
                for child in v._children:
                    build_topo(child)
                topo.append(v)
        build_topo(self)
        self.grad = 1  # d(self)/d(self)
        for v in reversed(topo):
            for child, local_grad in zip(v._children, v._local_grads):
                child.grad += local_grad * v.grad  # chain rule; += because a Value can feed several others

# Model size.
n_layer = 1  # transformer blocks
n_embd = 16  # numbers per token vector
block_size = 16  # longest context the model sees
n_head = 4  # attention heads
head_dim = n_embd // n_head  # numbers per head

# Parameters: small random numbers; training will shape them.
matrix = lambda nout, nin, std=0.08: [[Value(random.gauss(0, std)) for _ in range(nin)] for _ in range(nout)]
state_dict = {'wte': matrix(vocab_size, n_embd), 'wpe': matrix(block_size, n_embd), 'lm_head': matrix(vocab_size, n_embd)}
for i in range(n_layer):
    state_dict[f'layer{i}.attn_wq'] = matrix(n_embd, n_embd)
    state_dict[f'layer{i}.attn_wk'] = matrix(n_embd, n_embd)
    state_dict[f'layer{i}.attn_wv'] = matrix(n_embd, n_embd)
    state_dict[f'layer{i}.attn_wo'] = matrix(n_embd, n_embd)
    state_dict[f'layer{i}.mlp_fc1'] = matrix(4 * n_embd, n_embd)
    state_dict[f'layer{i}.mlp_fc2'] = matrix(n_embd, 4 * n_embd)
params = [p for mat in state_dict.values() for row in mat for p in row]  # one flat list for the optimizer
print(f"num params: {len(params)}")

# Building blocks of the model.
def linear(x, w):
    # Each output is a weighted sum of all the inputs: one row of w per output.
    return [sum(wi * xi for wi, xi in zip(wo, x)) for wo in w]

def softmax(logits):
    # Subtracting the largest logit changes nothing in the result but keeps exp() from overflowing.
    max_val = max(val.data for val in logits)
    exps = [(val - max_val).exp() for val in logits]
    total = sum(exps)
    return [e / total for e in exps]

def rmsnorm(x):
    # Rescale the vector to unit root-mean-square so values stay in a steady range layer after layer.
    ms = sum(xi * xi for xi in x) / len(x)
    scale = (ms + 1e-5) ** -0.5
    return [xi * scale for xi in x]

def gpt(token_id, pos_id, keys, values):
    # One token in, one score per vocabulary entry out. keys and values hold what
    # earlier positions left behind, so attention can look back at them.
    tok_emb = state_dict['wte'][token_id]  # what the token is
    pos_emb = state_dict['wpe'][pos_id]  # where it stands
    x = [t + p for t, p in zip(tok_emb, pos_emb)]
    x = rmsnorm(x)

    for li in range(n_layer):
        # Attention: this position asks (q), every position so far answers (k), and
        # the answers' contents (v) are mixed according to how well they match.
        x_residual = x
        x = rmsnorm(x)
        q = linear(x, state_dict[f'layer{li}.attn_wq'])
        k = linear(x, state_dict[f'layer{li}.attn_wk'])
        v = linear(x, state_dict[f'layer{li}.attn_wv'])
        keys[li].append(k)
        values[li].append(v)
        x_attn = []
        for h in range(n_head):
            # Each head works on its own slice of the vector, so heads can attend to different things.
            hs = h * head_dim
            q_h = q[hs:hs+head_dim]
            k_h = [ki[hs:hs+head_dim] for ki in keys[li]]
            v_h = [vi[hs:hs+head_dim] for vi in values[li]]
            # Dividing by sqrt(head_dim) keeps the scores from growing with the head size.
            attn_logits = [sum(q_h[j] * k_h[t][j] for j in range(head_dim)) / head_dim**0.5 for t in range(len(k_h))]
            attn_weights = softmax(attn_logits)
            head_out = [sum(attn_weights[t] * v_h[t][j] for t in range(len(v_h))) for j in range(head_dim)]
            x_attn.extend(head_out)
        x = linear(x_attn, state_dict[f'layer{li}.attn_wo'])
        x = [a + b for a, b in zip(x, x_residual)]  # residual: add to the input rather than replace it
        # MLP: widen, keep only the positive parts, narrow again.
        x_residual = x
        x = rmsnorm(x)
        x = linear(x, state_dict[f'layer{li}.mlp_fc1'])
        x = [xi.relu() for xi in x]
        x = linear(x, state_dict[f'layer{li}.mlp_fc2'])
        x = [a + b for a, b in zip(x, x_residual)]

    logits = linear(x, state_dict['lm_head'])  # one score per possible next token
    return logits

# Adam keeps, per parameter, a running mean of the gradient (m) and of its square (v).
learning_rate, beta1, beta2, eps_adam = 0.01, 0.85, 0.99, 1e-8
m = [0.0] * len(params)
v = [0.0] * len(params)

# Training: one document per step.
num_steps = 1000
for step in range(num_steps):

    # Wrap the document in BOS on both sides: predict its first letter from nothing,
    # and learn where it ends.
    doc = docs[step % len(docs)]
    tokens = [BOS] + [uchars.index(ch) for ch in doc] + [BOS]
    n = min(block_size, len(tokens) - 1)

    # Forward: at each position, predict the next token; the loss is how surprised the model is.
    keys, values = [[] for _ in range(n_layer)], [[] for _ in range(n_layer)]
    losses = []
    for pos_id in range(n):
        token_id, target_id = tokens[pos_id], tokens[pos_id + 1]
        logits = gpt(token_id, pos_id, keys, values)
        probs = softmax(logits)
        loss_t = -probs[target_id].log()
        losses.append(loss_t)
    loss = (1 / n) * sum(losses)  # average over the positions of this document

    # Backward: the gradient of the loss with respect to every parameter.
    loss.backward()

    # Update: Adam step with a learning rate that decays linearly to zero.
    lr_t = learning_rate * (1 - step / num_steps)
    for i, p in enumerate(params):
        m[i] = beta1 * m[i] + (1 - beta1) * p.grad
        v[i] = beta2 * v[i] + (1 - beta2) * p.grad ** 2
        m_hat = m[i] / (1 - beta1 ** (step + 1))  # undo the pull towards 0 of the early averages
        v_hat = v[i] / (1 - beta2 ** (step + 1))
        p.data -= lr_t * m_hat / (v_hat ** 0.5 + eps_adam)
        p.grad = 0  # gradients add up in backward(), so clear them for the next step

    print(f"step {step+1:4d} / {num_steps:4d} | loss {loss.data:.4f}", end='\r')

print()  # end the line the step lines kept rewriting
print(f"done: {num_steps} steps trained, nothing sampled")
