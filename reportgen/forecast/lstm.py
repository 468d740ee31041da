"""A small LSTM forecaster (PyTorch, CPU): windows of the past periods predict the next one.

The series is standardised on the periods it is fitted on; the network is trained full-batch with Adam on the
first windows and early-stopped on the last `validation_share` of them (their weights at the lowest validation
loss are kept), then forecasts one period at a time, each forecast feeding the next window. The interval is
the validation windows' one-step error spread, widening with the square root of the steps ahead: a network
gives no interval of its own. PyTorch is an optional extra (`pip install 'reportgen[deep]'`), imported only here.
"""

from __future__ import annotations

import contextlib

import numpy as np

from reportgen.config import LstmSpec
from reportgen.forecast.output import Forecast, NotAvailable, z_of
from reportgen.training import training_history

MIN_WINDOWS = 12
"""Windows a series must give for the LSTM to train and validate on (else it is too short for it)."""
MIN_VALIDATION = 3
"""Windows held back for early stopping and the interval, at the least."""
DEFAULT_WINDOW = 6
"""Past periods a window holds without a season; with one, two seasons."""


def window_length(length: int, season: int, spec: LstmSpec) -> int:
    wanted = spec.window or (2 * season if season > 1 else DEFAULT_WINDOW)
    return min(wanted, length - MIN_WINDOWS)


def windows(scaled: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray]:
    inputs = np.lib.stride_tricks.sliding_window_view(scaled[:-1], width)
    return inputs.astype(np.float32), scaled[width:].astype(np.float32)


@contextlib.contextmanager
def one_thread(torch):
    """Train on one thread: reproducible, and it leaves the other core to the rest of the run."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


def lstm_forecast(values: np.ndarray, horizon: int, season: int, level: float, seed: int, spec: LstmSpec,
                  label: str) -> Forecast:
    try:
        import torch
    except ImportError:
        raise NotAvailable("needs PyTorch: pip install 'reportgen[deep]'", installed=False) from None
    width = window_length(len(values), season, spec)
    if width < 2:
        raise NotAvailable(f"needs at least {MIN_WINDOWS + 2} periods")
    center, scale = float(np.mean(values)), float(np.std(values)) or 1.0
    scaled = (values - center) / scale
    inputs, targets = windows(scaled, width)
    validation = max(MIN_VALIDATION, int(round(len(inputs) * spec.validation_share)))
    with one_thread(torch):
        torch.manual_seed(seed)
        network = lstm_regressor(torch, spec.hidden_size)
        curves, best = trained(torch, network, inputs, targets, validation, spec)
        network.load_state_dict(best)
        with torch.no_grad():
            checked = network(torch.from_numpy(inputs[-validation:])).numpy()
            ahead, window = [], list(scaled[-width:])
            for _ in range(horizon):
                step = float(network(torch.tensor([window[-width:]], dtype=torch.float32))[0])
                ahead.append(step)
                window.append(step)
    errors = (checked - targets[-validation:]) * scale
    spread = float(np.sqrt(np.mean(errors ** 2)))
    mean = np.array(ahead) * scale + center
    width_ahead = z_of(level) * spread * np.sqrt(np.arange(1, horizon + 1))
    training_loss, validation_loss, stopped = curves
    history = training_history(f"lstm_{label}", f"LSTM forecaster of the {label}", training_loss,
                               validation_loss=validation_loss, loss_name="mean squared error (standardised)",
                               max_epochs=spec.max_epochs, stopped_early=stopped)
    return Forecast(mean, mean - width_ahead, mean + width_ahead, history=history)


def lstm_regressor(torch, hidden: int):
    class LstmRegressor(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm = torch.nn.LSTM(input_size=1, hidden_size=hidden, batch_first=True)
            self.out = torch.nn.Linear(hidden, 1)

        def forward(self, x):
            states, _ = self.lstm(x.unsqueeze(-1))
            return self.out(states[:, -1, :]).squeeze(-1)

    return LstmRegressor()


def trained(torch, network, inputs: np.ndarray, targets: np.ndarray, validation: int, spec: LstmSpec):
    """Full-batch Adam on the first windows, early-stopped on the last `validation`; returns (training losses,
    validation losses, whether it stopped early) and the best weights."""
    fit_x, fit_y = torch.from_numpy(inputs[:-validation]), torch.from_numpy(targets[:-validation])
    check_x, check_y = torch.from_numpy(inputs[-validation:]), torch.from_numpy(targets[-validation:])
    optimiser = torch.optim.Adam(network.parameters(), lr=spec.learning_rate)
    loss = torch.nn.MSELoss()
    training_loss, validation_loss = [], []
    best, best_loss, waited = None, np.inf, 0
    for _ in range(spec.max_epochs):
        network.train()
        optimiser.zero_grad()
        fitted = loss(network(fit_x), fit_y)
        fitted.backward()
        optimiser.step()
        network.eval()
        with torch.no_grad():
            checked = float(loss(network(check_x), check_y))
        training_loss.append(float(fitted.detach()))
        validation_loss.append(checked)
        if checked < best_loss:
            best_loss, waited = checked, 0
            best = {key: value.detach().clone() for key, value in network.state_dict().items()}
        else:
            waited += 1
            if waited >= spec.patience:
                return (training_loss, validation_loss, True), best
    return (training_loss, validation_loss, False), best
