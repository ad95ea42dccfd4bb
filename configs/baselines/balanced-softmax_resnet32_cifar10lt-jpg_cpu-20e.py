# Balanced Softmax on the CPU protocol: the CE arm
# (ce_resnet32_cifar10lt-jpg_cpu-20e.py, same 20-epoch schedule and data)
# with the loss CE(z + log n_y).
_base_ = ['./ce_resnet32_cifar10lt-jpg_cpu-20e.py']
model = dict(
    head=dict(
        type='WeightedLinearClsHead',
        loss=dict(type='BalancedSoftmaxLoss')))
custom_hooks = [dict(type='TrainClassCountsHook')]
