# CPU protocol v2: the one classifier schedule of every arm of the CPU
# protocol (benchmarks/RESULTS.md, "CPU protocol v2"). The BBN optimiser
# (SGD lr 0.1, Nesterov momentum 0.9, wd 2e-4, batch 128) with the lr
# annealed by a cosine over 30 epochs, stepped per iteration. It replaces
# v1's 10x compression of the 200-epoch step schedule (11 epochs at full lr,
# then x0.01 and x0.0001), which left plain CE under-trained and head-biased
# (46 % top-1). Arms rescale only what defines their method, at the same
# relative points of these 30 epochs; tests/test_cpu_protocol.py checks that
# every config in configs/cpu_protocol/ keeps this schedule.
cpu_protocol = 'v2'
cpu_protocol_epochs = 30

optim_wrapper = dict(
    optimizer=dict(
        type='SGD', lr=0.1, momentum=0.9, weight_decay=2e-4, nesterov=True))

param_scheduler = [
    dict(
        type='CosineAnnealingLR',
        by_epoch=True,
        begin=0,
        end=cpu_protocol_epochs,
        T_max=cpu_protocol_epochs,
        eta_min=0.0,
        convert_to_iter_based=True),
]

train_cfg = dict(
    by_epoch=True, max_epochs=cpu_protocol_epochs, val_interval=10)
val_cfg = dict()
test_cfg = dict()

auto_scale_lr = dict(base_batch_size=128)
