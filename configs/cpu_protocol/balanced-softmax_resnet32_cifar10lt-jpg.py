# CPU protocol v2, Balanced Softmax arm (Ren et al., NeurIPS 2020): the CE
# arm with the loss CE(z + log n_y) from the training counts.
_base_ = ['./ce_resnet32_cifar10lt-jpg.py']
model = dict(
    head=dict(
        type='WeightedLinearClsHead',
        loss=dict(type='BalancedSoftmaxLoss')))
custom_hooks = [dict(type='TrainClassCountsHook')]
