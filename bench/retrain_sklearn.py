"""scikit-learn's LogisticRegression on the data bench/retrain.ts exported, with CallSense's own holdout.

Input CSV (no header): user index, split (0 training, 1 holdout), label, then the feature columns.
Output JSON on stdout: per user index [holdout AUC, holdout accuracy, fit seconds, coefficients..., intercept].
Same recipe as CallSense: StandardScaler fitted on the training rows, L2 penalty with C=1.0 (sklearn defaults).
"""
import json
import sys
import time

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, roc_auc_score
from sklearn.preprocessing import StandardScaler

data = np.loadtxt(sys.argv[1], delimiter=",")
data = data[np.argsort(data[:, 0], kind="stable")]
users, starts = np.unique(data[:, 0], return_index=True)
out = {}
for i, user in enumerate(users):
    rows = data[starts[i] : starts[i + 1] if i + 1 < len(starts) else len(data)]
    train, hold = rows[rows[:, 1] == 0], rows[rows[:, 1] == 1]
    started = time.perf_counter()
    scaler = StandardScaler().fit(train[:, 3:])
    model = LogisticRegression(C=1.0, max_iter=1000).fit(scaler.transform(train[:, 3:]), train[:, 2])
    seconds = time.perf_counter() - started
    p = model.predict_proba(scaler.transform(hold[:, 3:]))[:, 1]
    out[str(int(user))] = [
        float(roc_auc_score(hold[:, 2], p)),
        float(accuracy_score(hold[:, 2], p >= 0.5)),
        seconds,
        *map(float, model.coef_[0]),
        float(model.intercept_[0]),
    ]
json.dump(out, sys.stdout)
