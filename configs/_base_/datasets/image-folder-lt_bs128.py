# Loaders, normalisation and metrics for a long-tailed image folder of your
# own (README, "Your own dataset"); the config that uses it gives the
# datasets (train_dataloader.dataset, val_dataloader.dataset) and nothing
# else about the data. The class count is the training set's
# (num_classes='auto', filled by tools/train.py).
data_preprocessor = dict(
    num_classes='auto', mean=[127.5] * 3, std=[127.5] * 3,
    to_rgb=True)  # images are decoded as BGR
train_dataloader = dict(
    batch_size=128,
    num_workers=2,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict())  # given by the config that uses this file
val_dataloader = dict(
    batch_size=256,
    num_workers=2,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict())  # given by the config that uses this file
test_dataloader = val_dataloader
val_evaluator = [
    dict(type='LongTailAccuracy'),
    dict(type='ExpectedCalibrationError', num_bins=15),
]
test_evaluator = val_evaluator
